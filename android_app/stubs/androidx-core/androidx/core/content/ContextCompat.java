package androidx.core.content;

import androidx.annotation.NonNull;

/**
 * ContextCompat (class, protected constructor) of androidx.core 1.15 (the catalog pins core-ktx 1.15.0, which
 * brings core 1.15.0), checked against core/core/api/1.15.0-beta01.txt (androidx/androidx at 488540191ae5);
 * each comment names the entry. Declarations only, never compiled to classes or run.
 */
public class ContextCompat {
    protected ContextCompat() {}

    /** static checkSelfPermission(android.content.Context, String): int. */
    public static native int checkSelfPermission(@NonNull android.content.Context context, @NonNull String permission);

    /** static getMainExecutor(android.content.Context): java.util.concurrent.Executor. */
    @NonNull public static native java.util.concurrent.Executor getMainExecutor(@NonNull android.content.Context context);
}
