package io.fluxion.orchestrator.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.ContextualDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.util.AccessPattern;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.time.LocalDate;
import java.util.Set;

/**
 * The one JSON mapper of the API (registry bean {@code apiJson}, the REST binding's Jackson data format uses it).
 * Strict on input: unknown fields, duplicate keys, trailing data, explicit nulls (unless a field allows them) and
 * coercions ("2" for a number, 2.5 for an integer, 20261102 for a date) are refused, so that a body means exactly
 * what it says: leaving a field out is the way to not set it. Dates are written as YYYY-MM-DD.
 */
public final class ApiJson {
    public static final String BEAN = "apiJson";
    private static final Set<Class<?>> SCALARS = Set.of(Integer.class, Long.class, Boolean.class, LocalDate.class,
            String.class);

    private ApiJson() {
    }

    public static ObjectMapper mapper() {
        JsonMapper m = JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .addModule(new SimpleModule("explicit-null-refused").setDeserializerModifier(new BeanDeserializerModifier() {
                    @Override
                    public JsonDeserializer<?> modifyDeserializer(DeserializationConfig config, BeanDescription desc,
                                                                  JsonDeserializer<?> deserializer) {
                        return SCALARS.contains(deserializer.handledType()) ? new NoNull<>(deserializer) : deserializer;
                    }
                }))
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, DeserializationFeature.FAIL_ON_TRAILING_TOKENS,
                        DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .build();
        // an integer is no date (LocalDate would take it for days since 1970) and no text
        m.coercionConfigFor(LogicalType.DateTime).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
        m.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        return m;
    }

    /**
     * A scalar field given as null is refused (a field left out stays null); a field that means something by null
     * says so with {@code @JsonSetter(nulls = Nulls.SET)} (ubicacion_id: every store).
     */
    private static final class NoNull<T> extends JsonDeserializer<T> implements ContextualDeserializer {
        private final JsonDeserializer<T> delegate;

        NoNull(JsonDeserializer<T> delegate) {
            this.delegate = delegate;
        }

        @Override
        public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            return delegate.deserialize(p, ctxt);
        }

        @Override
        public T getNullValue(DeserializationContext ctxt) throws JsonMappingException {
            throw InvalidNullException.from(ctxt, null, ctxt.constructType(delegate.handledType()));
        }

        @Override
        public Object getAbsentValue(DeserializationContext ctxt) {
            return null;
        }

        @Override
        public AccessPattern getNullAccessPattern() {
            return AccessPattern.DYNAMIC;
        }

        @Override
        public Class<?> handledType() {
            return delegate.handledType();
        }

        @Override
        public LogicalType logicalType() {
            return delegate.logicalType();
        }

        @Override
        @SuppressWarnings("unchecked")
        public JsonDeserializer<?> createContextual(DeserializationContext ctxt, BeanProperty property)
                throws JsonMappingException {
            return delegate instanceof ContextualDeserializer c
                    ? new NoNull<>((JsonDeserializer<T>) c.createContextual(ctxt, property)) : this;
        }
    }
}
