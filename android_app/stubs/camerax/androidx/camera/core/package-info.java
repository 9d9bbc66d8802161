/**
 * Signature stubs of CameraX camera-core 1.4 (the catalog pins 1.4.1), checked against its API signature file
 * camera/camera-core/api/1.4.0-beta02.txt (androidx/androidx at 6ff110c6f6a7); each declaration's comment names
 * the entry. In that format a type without "?" or "!" is non-null: the stubs say so with androidx.annotation,
 * as CameraX's Java sources do, so that Kotlin sees the same nullability. Declarations only, never compiled to
 * classes or run.
 */
package androidx.camera.core;
