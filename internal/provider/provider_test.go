package provider

import (
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// testProviderFactories serve the provider in-process to the terraform binary the acceptance
// tests run (TF_ACC_TERRAFORM_PATH).
var testProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"score": func() (tfprotov6.ProviderServer, error) { return NewServer("test")(), nil },
}
