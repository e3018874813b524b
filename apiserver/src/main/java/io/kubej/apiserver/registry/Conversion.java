package io.kubej.apiserver.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * How a served version differs from the stored one (upstream's scheme conversions and storage
 * versions): events.k8s.io/v1 Events are stored as core v1 Events, so both APIs see the same
 * events, each in its own shape. Without a Conversion a version differs from its storage only
 * in apiVersion (custom resources with the conversion strategy None). Neither direction may
 * change its argument: cached objects are shared.
 */
public interface Conversion {
    /** The object as stored, from the one this version serves. */
    ObjectNode toStorage(ObjectNode served);

    /** The object as this version serves it, from the stored one. */
    ObjectNode fromStorage(ObjectNode stored);
}
