package dev.relay.runner.spec;

import java.util.List;
import java.util.Objects;

/**
 * A KFP v1 task's {@code isEnabled} condition ({@code PredicateType} in
 * {@code kfp/components/_structures.py}): a comparison of two arguments ({@code ==}, {@code !=},
 * {@code >}, {@code >=}, {@code <}, {@code <=}, each {@code {op1, op2}}), or {@code not},
 * {@code and}, {@code or} of predicates.
 */
public sealed interface Predicate {
    /** The comparison operators, as written. */
    List<String> OPERATORS = List.of("==", "!=", ">", ">=", "<", "<=");

    /** {@code {OP: {op1: ARG, op2: ARG}}}. */
    record Compare(String op, Argument left, Argument right) implements Predicate {
        /** @throws IllegalArgumentException for an operator not in {@link #OPERATORS} */
        public Compare {
            if (!OPERATORS.contains(op)) {
                throw new IllegalArgumentException("unknown operator '" + op + "'");
            }
            Objects.requireNonNull(left, "left");
            Objects.requireNonNull(right, "right");
        }
    }

    /** {@code {not: PREDICATE}}. */
    record Not(Predicate operand) implements Predicate {}

    /** {@code {and: {op1: PREDICATE, op2: PREDICATE}}}. */
    record And(Predicate left, Predicate right) implements Predicate {}

    /** {@code {or: {op1: PREDICATE, op2: PREDICATE}}}. */
    record Or(Predicate left, Predicate right) implements Predicate {}

    /** @return the arguments compared, left to right */
    default List<Argument> arguments() {
        if (this instanceof Compare c) {
            return List.of(c.left(), c.right());
        }
        if (this instanceof Not n) {
            return n.operand().arguments();
        }
        Predicate l = this instanceof And a ? a.left() : ((Or) this).left();
        Predicate r = this instanceof And a2 ? a2.right() : ((Or) this).right();
        List<Argument> out = new java.util.ArrayList<>(l.arguments());
        out.addAll(r.arguments());
        return out;
    }
}
