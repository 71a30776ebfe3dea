package kg

// Limits on traversal arguments, shared by every store and the API so that both stores refuse the
// same requests with the same messages.
const (
	MaxDepth      = 3    // neighborhood depth
	MaxPathLength = 6    // paths maxLength
	MaxLimit      = 1000 // any limit or first
	MaxIDs        = 1000 // ids in one list argument
	MaxQueryLen   = 500  // characters of a search query
)

// CheckRange returns EINVALID naming arg unless min <= v <= max.
func CheckRange(arg string, v, min, max int) error {
	if v < min || v > max {
		return Errorf(EINVALID, arg, "must be between %d and %d, got %d", min, max, v)
	}
	return nil
}
