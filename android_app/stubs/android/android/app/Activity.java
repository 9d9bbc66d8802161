package android.app;

public class Activity extends android.view.ContextThemeWrapper {
    protected native void onCreate(android.os.Bundle savedInstanceState);
}
