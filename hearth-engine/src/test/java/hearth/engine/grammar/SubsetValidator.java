package hearth.engine.grammar;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An independent check of JSON instances against the schema subset the tests use (type, properties, required,
 * additionalProperties false, items, minItems/maxItems, enum, const, anyOf, minLength/maxLength, minimum, $ref).
 * Written for the tests: it shares no code with the grammar compiler.
 */
final class SubsetValidator {
    private final Object root;
    private final List<String> errors = new ArrayList<>();

    private SubsetValidator(Object root) {
        this.root = root;
    }

    /** The violations found (empty when the instance is valid). */
    static List<String> validate(JsonNode instance, Object schema) {
        SubsetValidator v = new SubsetValidator(schema);
        v.check(instance, schema, "$");
        return v.errors;
    }

    @SuppressWarnings("unchecked")
    private void check(JsonNode node, Object schemaObj, String path) {
        if (Boolean.TRUE.equals(schemaObj)) return;
        Map<String, Object> s = (Map<String, Object>) schemaObj;
        if (s.containsKey("$ref")) {
            Object target = root;
            for (String part : ((String) s.get("$ref")).substring(2).split("/")) target = ((Map<String, Object>) target).get(part);
            check(node, target, path);
            return;
        }
        if (s.containsKey("anyOf")) {
            for (Object option : (List<Object>) s.get("anyOf")) {
                SubsetValidator sub = new SubsetValidator(root);
                sub.check(node, option, path);
                if (sub.errors.isEmpty()) return;
            }
            errors.add(path + ": matches no anyOf option");
            return;
        }
        if (s.containsKey("const") && !sameJson(node, s.get("const"))) errors.add(path + ": not the const value");
        if (s.containsKey("enum") && ((List<Object>) s.get("enum")).stream().noneMatch(e -> sameJson(node, e))) errors.add(path + ": not in enum");
        Object type = s.get("type");
        if (type != null) {
            List<Object> types = type instanceof List<?> l ? (List<Object>) l : List.of(type);
            if (types.stream().noneMatch(t -> hasType(node, (String) t))) {
                errors.add(path + ": expected " + types + " but found " + node.getNodeType());
                return;
            }
        }
        if (node.isTextual()) {
            int len = node.asText().codePointCount(0, node.asText().length());
            if (s.get("minLength") instanceof Number n && len < n.intValue()) errors.add(path + ": shorter than minLength");
            if (s.get("maxLength") instanceof Number n && len > n.intValue()) errors.add(path + ": longer than maxLength");
        }
        if (node.isNumber() && s.get("minimum") instanceof Number n && node.asDouble() < n.doubleValue()) errors.add(path + ": below minimum");
        if (node.isObject()) {
            Map<String, Object> props = (Map<String, Object>) s.getOrDefault("properties", Map.of());
            for (Object r : (List<Object>) s.getOrDefault("required", List.of())) {
                if (!node.has((String) r)) errors.add(path + ": missing required '" + r + "'");
            }
            node.properties().forEach(e -> {
                if (props.containsKey(e.getKey())) check(e.getValue(), props.get(e.getKey()), path + "." + e.getKey());
                else if (Boolean.FALSE.equals(s.get("additionalProperties"))) errors.add(path + ": unexpected key '" + e.getKey() + "'");
            });
        }
        if (node.isArray()) {
            if (s.get("minItems") instanceof Number n && node.size() < n.intValue()) errors.add(path + ": fewer than minItems");
            if (s.get("maxItems") instanceof Number n && node.size() > n.intValue()) errors.add(path + ": more than maxItems");
            if (s.containsKey("items")) for (int i = 0; i < node.size(); i++) check(node.get(i), s.get("items"), path + "[" + i + "]");
        }
    }

    private static boolean hasType(JsonNode n, String t) {
        return switch (t) {
            case "object" -> n.isObject();
            case "array" -> n.isArray();
            case "string" -> n.isTextual();
            case "integer" -> n.isIntegralNumber();
            case "number" -> n.isNumber();
            case "boolean" -> n.isBoolean();
            case "null" -> n.isNull();
            default -> false;
        };
    }

    private static boolean sameJson(JsonNode n, Object v) {
        return n.equals(JsonSchemaGrammarTest.JSON_MAPPER.valueToTree(v));
    }
}
