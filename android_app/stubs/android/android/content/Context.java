package android.content;

/**
 * Android framework stub (compileSdk 35), declared as android.jar exposes it to Kotlin: platform types, no
 * nullability. Written from the public Android API and not checked against a file here (android_app/README.md
 * says so); declarations only, never compiled to classes or run.
 */
public abstract class Context {
    public abstract Context getApplicationContext();
    public abstract android.content.res.AssetManager getAssets();
    public abstract android.content.pm.ApplicationInfo getApplicationInfo();
    public abstract String getPackageName();
    public abstract void startActivity(Intent intent);
    public final native <T> T getSystemService(Class<T> serviceClass);
}
