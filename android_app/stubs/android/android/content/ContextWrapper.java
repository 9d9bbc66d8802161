package android.content;

/**
 * Android framework stub (compileSdk 35), declared as android.jar exposes it to Kotlin: platform types, no
 * nullability. Written from the public Android API and not checked against a file here (android_app/README.md
 * says so); declarations only, never compiled to classes or run.
 */
public class ContextWrapper extends Context {
    public ContextWrapper(Context base) {}
    @Override public native Context getApplicationContext();
    @Override public native android.content.res.AssetManager getAssets();
    @Override public native android.content.pm.ApplicationInfo getApplicationInfo();
    @Override public native String getPackageName();
    @Override public native void startActivity(Intent intent);
}
