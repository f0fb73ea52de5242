//go:build js && wasm

package main

import (
	"fmt"
	"math"
	"reflect"

	"github.com/hack-pad/safejs"
)

// fromJS copies a plain JavaScript object's properties into a Go struct's
// fields, matched by json tag, refusing properties the struct does not have
// so a misspelt option is an error, not a silent default. Fields may be
// strings, booleans, whole numbers, or pointers to those (nil when the
// property is absent).
func fromJS(v safejs.Value, into any) error {
	target := reflect.ValueOf(into)
	if target.Kind() != reflect.Pointer || target.Elem().Kind() != reflect.Struct {
		return fmt.Errorf("fromJS needs a pointer to a struct, not %T", into)
	}
	target = target.Elem()
	byName := map[string]jsonField{}
	for _, f := range structFields(target.Type()) {
		byName[f.name] = f
	}
	keys, err := objectKeys(v)
	if err != nil {
		return err
	}
	for _, key := range keys {
		f, ok := byName[key]
		if !ok {
			return fmt.Errorf("unknown field %q", key)
		}
		prop, err := v.Get(key)
		if err != nil {
			return err
		}
		if err := setFromJS(target.FieldByIndex(f.index), prop); err != nil {
			return fmt.Errorf("field %q: %w", key, err)
		}
	}
	return nil
}

// objectKeys is Object.keys(v): the object's own enumerable property names.
func objectKeys(v safejs.Value) ([]string, error) {
	object, err := safejs.Global().Get("Object")
	if err != nil {
		return nil, err
	}
	list, err := object.Call("keys", v)
	if err != nil {
		return nil, err
	}
	n, err := list.Length()
	if err != nil {
		return nil, err
	}
	keys := make([]string, n)
	for i := range keys {
		item, err := list.Index(i)
		if err != nil {
			return nil, err
		}
		if keys[i], err = item.String(); err != nil {
			return nil, err
		}
	}
	return keys, nil
}

// setFromJS stores one JavaScript value into a field. null and undefined
// leave the field at its zero value, as JSON's null does.
func setFromJS(field reflect.Value, prop safejs.Value) error {
	if prop.IsNull() || prop.IsUndefined() {
		field.SetZero()
		return nil
	}
	if field.Kind() == reflect.Pointer {
		field.Set(reflect.New(field.Type().Elem()))
		field = field.Elem()
	}
	switch field.Kind() {
	case reflect.String:
		if prop.Type() != safejs.TypeString {
			return fmt.Errorf("must be a string, not a %s", prop.Type())
		}
		s, err := prop.String()
		if err != nil {
			return err
		}
		field.SetString(s)
	case reflect.Bool:
		if prop.Type() != safejs.TypeBoolean {
			return fmt.Errorf("must be true or false, not a %s", prop.Type())
		}
		ok, err := prop.Bool()
		if err != nil {
			return err
		}
		field.SetBool(ok)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		f, err := wholeNumber(prop)
		if err != nil {
			return err
		}
		if field.OverflowInt(int64(f)) {
			return fmt.Errorf("%v is out of range", f)
		}
		field.SetInt(int64(f))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		f, err := wholeNumber(prop)
		if err != nil {
			return err
		}
		if f < 0 || field.OverflowUint(uint64(f)) {
			return fmt.Errorf("%v is out of range", f)
		}
		field.SetUint(uint64(f))
	default:
		return fmt.Errorf("unsupported field type %s", field.Type())
	}
	return nil
}

// wholeNumber reads a JavaScript number that must be an integer a double
// holds exactly.
func wholeNumber(prop safejs.Value) (float64, error) {
	if prop.Type() != safejs.TypeNumber {
		return 0, fmt.Errorf("must be a number, not a %s", prop.Type())
	}
	f, err := prop.Float()
	if err != nil {
		return 0, err
	}
	if f != math.Trunc(f) || math.Abs(f) > maxExactInt {
		return 0, fmt.Errorf("must be a whole number between -(2^53-1) and 2^53-1, not %v", f)
	}
	return f, nil
}
