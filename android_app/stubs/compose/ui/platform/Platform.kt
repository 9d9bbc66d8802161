package androidx.compose.ui.platform

import android.content.Context
import androidx.compose.runtime.ProvidableCompositionLocal
import dev.kerasmv2.stubs.stub

// compose/ui/ui/api/1.7.0-beta07.txt (see ../Ui.kt): AndroidCompositionLocals_androidKt.LocalContext,
// ProvidableCompositionLocal<android.content.Context>
val LocalContext: ProvidableCompositionLocal<Context> = stub()
