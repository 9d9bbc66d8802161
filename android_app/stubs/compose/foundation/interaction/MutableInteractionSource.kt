package androidx.compose.foundation.interaction

// compose/foundation/foundation/api/1.7.0-beta06.txt family (foundation 1.7): MutableInteractionSource is an
// interface; the stub only names the type for material3's defaulted parameters.
interface MutableInteractionSource
