package dev.kerasmv2.core

/**
 * The result the overlay shows. Settings change on the UI thread ([request]) while a frame may still be
 * running on the old engine on the analysis thread ([publish]): a result is shown only when its engine is
 * the session's current one and was built for the configuration asked for last, so a replaced or closed
 * engine's result never comes back after the screen was cleared. [show] runs under this object's lock,
 * which makes "check, then show" and "ask, then clear" one step each.
 */
class LatestResult(private val session: EngineSession, private val show: (Classification?) -> Unit) {
    private var wanted: EngineConfig? = null

    /** A new engine configuration was asked for: clear the screen until its engine's first result. */
    @Synchronized
    fun request(config: EngineConfig) {
        wanted = config
        show(null)
    }

    /** Shows [result] if it still belongs to what runs now; returns whether it did. */
    @Synchronized
    fun publish(result: Classification): Boolean {
        val current = result.engine === session.engine && result.requested == wanted
        if (current) show(result)
        return current
    }
}
