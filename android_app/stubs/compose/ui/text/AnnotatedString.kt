package androidx.compose.ui.text

// compose/ui/ui-text (1.7): AnnotatedString (@Immutable final class); only its name is needed, for Text's overload.
class AnnotatedString internal constructor()
