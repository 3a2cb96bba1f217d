package io.ordo.core.asjob;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

import java.lang.reflect.Constructor;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Tells, from the declared type alone, whether a value travels through JSON: arguments into the
 * payload and back, results out of the job and back into a {@link JobHandle}. It refuses what it
 * can see will not work (streams, connections, lambdas, interfaces without type information, a
 * type variable, classes Jackson cannot construct) and lets the rest through.
 */
final class DataTypes {
    /** Things that are resources or behaviour, never data. */
    private static final List<Class<?>> NOT_DATA = List.of(
            AutoCloseable.class, Thread.class, ThreadLocal.class, ClassLoader.class, Class.class,
            java.lang.reflect.Member.class, java.util.concurrent.Executor.class, java.util.concurrent.Future.class,
            java.util.concurrent.locks.Lock.class, java.util.Iterator.class, java.util.stream.BaseStream.class,
            java.util.Optional.class, java.util.OptionalInt.class, java.util.OptionalLong.class, java.util.OptionalDouble.class,
            Runnable.class, java.util.concurrent.Callable.class, java.util.function.Function.class,
            java.util.function.Supplier.class, java.util.function.Consumer.class, java.util.function.Predicate.class,
            java.util.function.BiFunction.class, java.util.function.BiConsumer.class,
            io.ordo.core.handler.JobContext.class, io.ordo.core.Ordo.class, JobHandle.class);

    private DataTypes() {
    }

    /** Adds to {@code problems} why {@code type} (named {@code what}) cannot travel through JSON. */
    static void check(Type type, String what, List<String> problems) {
        check(type, what, problems, new HashSet<>());
    }

    private static void check(Type type, String what, List<String> problems, Set<Type> seen) {
        if (!seen.add(type)) return;
        switch (type) {
            case Class<?> c -> checkClass(c, what, problems, seen);
            case ParameterizedType p -> {
                checkClass((Class<?>) p.getRawType(), what, problems, seen);
                for (Type arg : p.getActualTypeArguments()) check(arg, what, problems, seen);
            }
            case GenericArrayType g -> check(g.getGenericComponentType(), what, problems, seen);
            case WildcardType w -> {
                for (Type b : w.getUpperBounds()) check(b, what, problems, seen);
            }
            case TypeVariable<?> v -> problems.add(what + " uses the type variable " + v.getName()
                    + ": JSON does not say which type to rebuild; use a concrete type");
            default -> problems.add(what + ": unsupported type " + type.getTypeName());
        }
    }

    private static void checkClass(Class<?> c, String what, List<String> problems, Set<Type> seen) {
        if (c.isPrimitive() || c.isEnum() || c == Object.class) return;
        if (c.isArray()) {
            check(c.getComponentType(), what, problems, seen);
            return;
        }
        for (Class<?> bad : NOT_DATA) {
            if (bad.isAssignableFrom(c)) {
                String hint = c == java.util.Optional.class || bad.getSimpleName().startsWith("Optional")
                        ? "; pass a nullable value instead" : "";
                problems.add(what + " is " + describe(c) + (bad == c ? "" : " (" + bad.getSimpleName() + ")")
                        + ", which cannot be carried as JSON" + hint);
                return;
            }
        }
        if (isJdkValue(c) || JsonNode.class.isAssignableFrom(c)) return;
        if (hasJacksonTypeInfo(c)) return;
        if (c.isInterface() || Modifier.isAbstract(c.getModifiers())) {
            problems.add(what + " is " + describe(c) + ", an " + (c.isInterface() ? "interface" : "abstract class")
                    + " without @JsonTypeInfo/@JsonDeserialize: Jackson cannot tell which class to rebuild from JSON");
            return;
        }
        if (c.isRecord()) {
            for (RecordComponent rc : c.getRecordComponents()) {
                check(rc.getGenericType(), what + " (component " + c.getSimpleName() + "." + rc.getName() + ")", problems, seen);
            }
            return;
        }
        if (c.isMemberClass() && !Modifier.isStatic(c.getModifiers())) {
            problems.add(what + " is " + describe(c) + ", an inner (non-static) class: Jackson cannot construct it; make it static or a record");
            return;
        }
        if (!constructible(c)) {
            problems.add(what + " is " + describe(c) + ", which Jackson cannot construct: give it a no-argument constructor "
                    + "or a @JsonCreator, or make it a record");
        }
    }

    private static boolean isJdkValue(Class<?> c) {
        String p = c.getPackageName();
        return p.equals("java.lang") || p.equals("java.math") || p.startsWith("java.time") || p.equals("java.util")
                || c == java.net.URI.class || c == java.net.URL.class || c == java.nio.file.Path.class
                || c == java.io.File.class || c == java.net.InetAddress.class;
    }

    private static boolean hasJacksonTypeInfo(Class<?> c) {
        return c.isAnnotationPresent(JsonTypeInfo.class) || c.isAnnotationPresent(JsonSubTypes.class)
                || c.isAnnotationPresent(JsonDeserialize.class);
    }

    private static boolean constructible(Class<?> c) {
        for (Constructor<?> k : c.getDeclaredConstructors()) {
            if (k.getParameterCount() == 0 || k.isAnnotationPresent(JsonCreator.class)) return true;
            if (k.getParameterCount() == 1 && Modifier.isPublic(k.getModifiers()) && isScalar(k.getParameterTypes()[0])) return true;
        }
        for (Method m : c.getDeclaredMethods()) {
            if (!Modifier.isStatic(m.getModifiers())) continue;
            if (m.isAnnotationPresent(JsonCreator.class)) return true;
            if (m.getName().equals("valueOf") && m.getParameterCount() == 1 && m.getParameterTypes()[0] == String.class
                    && c.isAssignableFrom(m.getReturnType())) return true;
        }
        return false;
    }

    private static boolean isScalar(Class<?> t) {
        return t == String.class || t == int.class || t == long.class || t == double.class || t == boolean.class
                || t == Integer.class || t == Long.class || t == Double.class || t == Boolean.class;
    }

    private static String describe(Class<?> c) {
        return c.getName().startsWith("java.") ? c.getName() : c.getSimpleName();
    }
}
