package androidx.core.content;

import androidx.annotation.NonNull;

public class ContextCompat {
    public static native int checkSelfPermission(@NonNull android.content.Context context, @NonNull String permission);
    @NonNull public static native java.util.concurrent.Executor getMainExecutor(@NonNull android.content.Context context);
}
