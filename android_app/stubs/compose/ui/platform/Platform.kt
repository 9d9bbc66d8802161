package androidx.compose.ui.platform

import android.content.Context
import androidx.compose.runtime.ProvidableCompositionLocal
import dev.kerasmv2.stubs.stub

val LocalContext: ProvidableCompositionLocal<Context> = stub()
