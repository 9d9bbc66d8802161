package android.view;

public class View {
    public View(android.content.Context context) {}
}
