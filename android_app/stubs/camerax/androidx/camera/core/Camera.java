package androidx.camera.core;

/** Camera (interface); its members are not used by the app. */
public interface Camera {}
