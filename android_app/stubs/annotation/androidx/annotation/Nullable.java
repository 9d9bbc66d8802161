package androidx.annotation;

/** androidx.annotation's Nullable: the "?" types of the API signature files (see NonNull). */
public @interface Nullable {}
