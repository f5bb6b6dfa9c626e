package dev.gantry.xds.publish;

import java.util.Map;

/**
 * An HTTPProxy that does not read into our model (a field of the wrong type, say): never served,
 * and reported invalid when it is of our ingress class.
 *
 * @param ingressClassName {@code spec.ingressClassName} as written, or null
 * @param annotations the object's annotations (the class may be given there), or null
 * @param problem why it does not read, naming the field
 */
public record UnreadableProxy(
    String namespace,
    String name,
    long generation,
    String ingressClassName,
    Map<String, String> annotations,
    String problem) {}
