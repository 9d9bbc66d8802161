package dev.kerasmv2.core

/**
 * Class names, one per line, in output order: the `labels.txt` that `mv2 export --app-assets` writes
 * (the same list the model's metadata carries).
 */
object Labels {
    /** Parses [text]; blank trailing lines are ignored, a blank line inside the list is an error. */
    fun parse(text: String): List<String> {
        val lines = text.replace("\r\n", "\n").trimEnd('\n', ' ').split('\n')
        if (lines.size == 1 && lines[0].isBlank()) throw IllegalArgumentException("the labels file is empty")
        lines.forEachIndexed { index, line ->
            require(line.isNotBlank()) { "labels file: line ${index + 1} is blank (labels are one per output index)" }
        }
        return lines.map { it.trim() }
    }

    /** Checks that the labels fit a model with [classes] outputs. */
    fun requireCount(labels: List<String>, classes: Int) {
        require(labels.size == classes) { "${labels.size} labels for a model with $classes outputs" }
    }
}
