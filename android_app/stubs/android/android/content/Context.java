package android.content;

public abstract class Context {
    public abstract Context getApplicationContext();
    public abstract android.content.res.AssetManager getAssets();
    public abstract android.content.pm.ApplicationInfo getApplicationInfo();
    public abstract String getPackageName();
    public abstract void startActivity(Intent intent);
    public final native <T> T getSystemService(Class<T> serviceClass);
}
