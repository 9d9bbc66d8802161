package androidx.camera.core;

/** UseCase (abstract class). */
public abstract class UseCase {}
