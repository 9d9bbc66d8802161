// compose/foundation/foundation/api/1.7.0-beta04.txt (see ../Background.kt): MutableInteractionSource is an
// interface in androidx.compose.foundation.interaction; material3's defaulted parameters name it.
package androidx.compose.foundation.interaction

interface MutableInteractionSource
