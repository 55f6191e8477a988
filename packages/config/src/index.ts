// @rfai/config: the config.yaml schema, loading with source positions, validation and overrides.
// Nothing is exported yet: the package's issue builds it.
export {};
