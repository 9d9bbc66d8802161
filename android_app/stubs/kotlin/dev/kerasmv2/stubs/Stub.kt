package dev.kerasmv2.stubs

/** The body of every stub declaration: the stubs are compiled against, never run. */
fun stub(): Nothing = throw UnsupportedOperationException("signature stub, not the library")
