package loader

// ValidateSchema runs the compiled Score schema alone, for the benchmark that measures what the
// libraries cost apart from our code.
func ValidateSchema(doc any) error {
	schema, err := compiledSchema()
	if err != nil {
		return err
	}
	return schema.Validate(doc)
}
