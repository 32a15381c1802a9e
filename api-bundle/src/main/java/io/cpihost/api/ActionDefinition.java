package io.cpihost.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What an action is: its name, what it does, its parameters in order, and whether it changes
 * anything.
 *
 * @param name the action name, such as {@code "create_vm"}
 * @param description one sentence for people
 * @param parameters the parameters in their positional order (BOSH passes arguments by position)
 * @param readOnly true when the action changes nothing (such as {@code has_vm} or {@code info})
 */
public record ActionDefinition(String name, String description, List<ParameterDefinition> parameters,
        boolean readOnly) {

    /**
     * Checks the components and copies the parameter list.
     *
     * @throws IllegalArgumentException when the name is blank or two parameters share a name
     */
    public ActionDefinition {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("An action needs a non-blank name.");
        }
        description = description == null ? "" : description;
        parameters = parameters == null ? List.of() : List.copyOf(parameters);
        for (int i = 0; i < parameters.size(); i++) {
            for (int j = i + 1; j < parameters.size(); j++) {
                if (parameters.get(i).name().equals(parameters.get(j).name())) {
                    throw new IllegalArgumentException("Action '" + name + "' declares parameter '"
                            + parameters.get(i).name() + "' twice.");
                }
            }
        }
    }

    /**
     * One parameter by name.
     *
     * @param parameter the parameter name
     * @return the definition, or empty when the action has no such parameter
     */
    public Optional<ParameterDefinition> parameter(String parameter) {
        for (ParameterDefinition definition : parameters) {
            if (definition.name().equals(parameter)) {
                return Optional.of(definition);
            }
        }
        return Optional.empty();
    }

    /**
     * Starts a builder.
     *
     * @param name the action name
     * @return a builder
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Builds an {@link ActionDefinition}. */
    public static final class Builder {
        private final String name;
        private String description = "";
        private final List<ParameterDefinition> parameters = new ArrayList<>();
        private boolean readOnly;

        private Builder(String name) {
            this.name = name;
        }

        /**
         * Sets the description.
         *
         * @param text one sentence
         * @return this builder
         */
        public Builder description(String text) {
            this.description = text;
            return this;
        }

        /**
         * Marks the action as changing nothing.
         *
         * @return this builder
         */
        public Builder readOnly() {
            this.readOnly = true;
            return this;
        }

        /**
         * Sets whether the action changes nothing.
         *
         * @param value true for read-only
         * @return this builder
         */
        public Builder readOnly(boolean value) {
            this.readOnly = value;
            return this;
        }

        /**
         * Adds a parameter.
         *
         * @param parameter the parameter
         * @return this builder
         */
        public Builder parameter(ParameterDefinition parameter) {
            parameters.add(parameter);
            return this;
        }

        /**
         * Adds a required, non-nullable parameter.
         *
         * @param parameter the name
         * @param type the type
         * @param text the description
         * @return this builder
         */
        public Builder required(String parameter, ParameterDefinition.Type type, String text) {
            return parameter(ParameterDefinition.required(parameter, type, text));
        }

        /**
         * Adds an optional, nullable parameter.
         *
         * @param parameter the name
         * @param type the type
         * @param text the description
         * @return this builder
         */
        public Builder optional(String parameter, ParameterDefinition.Type type, String text) {
            return parameter(ParameterDefinition.optional(parameter, type, text));
        }

        /**
         * Builds the definition.
         *
         * @return the definition
         * @throws IllegalArgumentException when the definition is not well-formed
         */
        public ActionDefinition build() {
            return new ActionDefinition(name, description, parameters, readOnly);
        }
    }
}
