package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// ReadResource hands back the state and private data it was given, byte for byte, for every
// resource type, without asking the framework.
func TestServerReadKeepsState(t *testing.T) {
	server := NewServer("test")()
	state := &tfprotov6.DynamicValue{MsgPack: []byte{0x81, 0xa1, 'a', 0x01}}
	private := []byte(`{"k":"v"}`)
	for _, typeName := range []string{"score_workload", "score_resource", "score_project"} {
		resp, err := server.ReadResource(context.Background(), &tfprotov6.ReadResourceRequest{TypeName: typeName, CurrentState: state, Private: private})
		if err != nil || len(resp.Diagnostics) > 0 {
			t.Fatalf("%s: %v %v", typeName, err, resp.Diagnostics)
		}
		if resp.NewState != state || string(resp.Private) != string(private) {
			t.Errorf("%s: the state or private data changed", typeName)
		}
	}
}
