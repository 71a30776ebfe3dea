package model_test

import (
	"testing"

	"github.com/failgraph/failgraph/graph/model"
	"github.com/failgraph/failgraph/internal/kg"
)

func TestCursors(t *testing.T) {
	for _, id := range []string{"sivakumar-2019-failure", "a", ""} {
		got, err := model.DecodeCursor("after", model.EncodeCursor(id))
		if err != nil || got != id {
			t.Errorf("round trip of %q: %q, %v", id, got, err)
		}
	}
	for _, bad := range []string{"sivakumar-2019-failure", "!!!", "cmVm"} {
		_, err := model.DecodeCursor("after", bad)
		if kg.ErrorCode(err) != kg.EINVALID || kg.ErrorMessage(err) != `argument "after": not a cursor returned by this API` {
			t.Errorf("DecodeCursor(%q) = %v", bad, err)
		}
	}
}
