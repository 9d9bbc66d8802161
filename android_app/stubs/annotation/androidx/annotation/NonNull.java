package androidx.annotation;

/**
 * androidx.annotation's NonNull, by which the Java stubs state the non-null types of the API signature files
 * ("Signature format: 4.0": a type without "?" or "!"); Kotlin reads it by this name.
 */
public @interface NonNull {}
