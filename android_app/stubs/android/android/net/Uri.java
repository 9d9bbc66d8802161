package android.net;

public abstract class Uri {
    public static native Uri fromParts(String scheme, String ssp, String fragment);
}
