package androidx.lifecycle.viewmodel

// lifecycle/lifecycle-viewmodel/api/2.9.0-beta01.txt (see ../Lifecycle.kt): CreationExtras (abstract class),
// named by viewModel()'s parameters
abstract class CreationExtras
