package android.content;

public class ContextWrapper extends Context {
    public ContextWrapper(Context base) {}
    @Override public native Context getApplicationContext();
    @Override public native android.content.res.AssetManager getAssets();
    @Override public native android.content.pm.ApplicationInfo getApplicationInfo();
    @Override public native String getPackageName();
    @Override public native void startActivity(Intent intent);
}
