// Package strictyaml decodes YAML the way the Kubernetes API server decodes
// JSON in strict mode: unknown fields, duplicate fields and fields that match
// only case-insensitively are errors. (sigs.k8s.io/yaml's UnmarshalStrict
// goes through encoding/json, which matches field names case-insensitively,
// so readOnlyRootFileSystem would pass for readOnlyRootFilesystem.)
package strictyaml

import (
	"errors"

	kjson "sigs.k8s.io/json"
	"sigs.k8s.io/yaml"
)

// Unmarshal decodes one YAML document into v strictly.
func Unmarshal(data []byte, v any) error {
	j, err := yaml.YAMLToJSONStrict(data)
	if err != nil {
		return err
	}
	strictErrs, err := kjson.UnmarshalStrict(j, v)
	if err != nil {
		return err
	}
	return errors.Join(strictErrs...)
}
