package android.content;

public class Intent {
    public Intent(String action, android.net.Uri uri) {}
}
