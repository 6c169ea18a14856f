package flexbuffers

import "strconv"

// Type is a FlexBuffers value type, the upper six bits of a packed type byte.
type Type uint8

// The FlexBuffers types (flexbuffers.h, enum Type).
const (
	TypeNull          Type = 0
	TypeInt           Type = 1
	TypeUint          Type = 2
	TypeFloat         Type = 3
	TypeKey           Type = 4
	TypeString        Type = 5
	TypeIndirectInt   Type = 6
	TypeIndirectUint  Type = 7
	TypeIndirectFloat Type = 8
	TypeMap           Type = 9
	TypeVector        Type = 10
	TypeVectorInt     Type = 11
	TypeVectorUint    Type = 12
	TypeVectorFloat   Type = 13
	TypeVectorKey     Type = 14
	// 15 is the deprecated VECTOR_STRING.
	TypeVectorInt2   Type = 16
	TypeVectorUint2  Type = 17
	TypeVectorFloat2 Type = 18
	TypeVectorInt3   Type = 19
	TypeVectorUint3  Type = 20
	TypeVectorFloat3 Type = 21
	TypeVectorInt4   Type = 22
	TypeVectorUint4  Type = 23
	TypeVectorFloat4 Type = 24
	TypeBlob         Type = 25
	TypeBool         Type = 26
	TypeVectorBool   Type = 36
)

var typeNames = [...]string{
	TypeNull: "null", TypeInt: "int", TypeUint: "uint", TypeFloat: "float",
	TypeKey: "key", TypeString: "string", TypeIndirectInt: "indirect int",
	TypeIndirectUint: "indirect uint", TypeIndirectFloat: "indirect float",
	TypeMap: "map", TypeVector: "vector", TypeVectorInt: "int vector",
	TypeVectorUint: "uint vector", TypeVectorFloat: "float vector",
	TypeVectorKey: "key vector", 15: "string vector",
	TypeVectorInt2: "int[2]", TypeVectorUint2: "uint[2]", TypeVectorFloat2: "float[2]",
	TypeVectorInt3: "int[3]", TypeVectorUint3: "uint[3]", TypeVectorFloat3: "float[3]",
	TypeVectorInt4: "int[4]", TypeVectorUint4: "uint[4]", TypeVectorFloat4: "float[4]",
	TypeBlob: "blob", TypeBool: "bool", TypeVectorBool: "bool vector",
}

// String returns the type's name as the FlexBuffers documentation spells it
// in lower case ("int", "float vector", "map"), or "type N" for codes the
// format does not define.
func (t Type) String() string {
	if int(t) < len(typeNames) && typeNames[t] != "" {
		return typeNames[t]
	}
	return "type " + strconv.Itoa(int(t))
}
