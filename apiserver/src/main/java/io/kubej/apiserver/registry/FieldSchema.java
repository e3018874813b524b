package io.kubej.apiserver.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Which fields of an object a kind's schema does not know, for kinds without a typed model
 * (custom resources, whose CustomResourceDefinition carries an OpenAPI schema instead).
 * Field validation reports them ({@code fieldValidation=Strict|Warn}) and pruning removes them.
 */
@FunctionalInterface
public interface FieldSchema {
    /** One unknown field: as messages print it ({@code spec.foo}) and as a JSON pointer ({@code /spec/foo}). */
    record Field(String path, String pointer) {
    }

    List<Field> unknownFields(ObjectNode object);
}
