// argo-rbac-rule evaluates Argo Workflows SSO RBAC rules
// (workflows.argoproj.io/rbac-rule) against ID token claims the way Argo's
// server does (server/auth/gatekeeper.go, v4.1): the claims are decoded into
// Argo's Claims type, turned back into JSON and into a map (so only the
// fields that type keeps are visible, and empty ones are absent), and the
// rule is compiled against that map with expr-lang and run.
//
// Input: one JSON object a line, {"rule": "...", "claims": {...}}.
// Output: one JSON object a line, {"allow": true|false} or {"error": "..."}.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"

	"github.com/expr-lang/expr"
	"github.com/go-jose/go-jose/v4/jwt"
)

// claims has the JSON shape of Argo's server/auth/types.Claims.
type claims struct {
	jwt.Claims
	Groups                  []string `json:"groups,omitempty"`
	Email                   string   `json:"email,omitempty"`
	EmailVerified           bool     `json:"-"`
	Name                    string   `json:"name,omitempty"`
	ServiceAccountName      string   `json:"service_account_name,omitempty"`
	ServiceAccountNamespace string   `json:"service_account_namespace,omitempty"`
	PreferredUsername       string   `json:"preferred_username,omitempty"`
}

type request struct {
	Rule   string          `json:"rule"`
	Claims json.RawMessage `json:"claims"`
}

type answer struct {
	Allow *bool  `json:"allow,omitempty"`
	Error string `json:"error,omitempty"`
}

func evaluate(req request) (bool, error) {
	var c claims
	if err := json.Unmarshal(req.Claims, &c); err != nil {
		return false, err
	}
	// Argo's jsonutil.Jsonify.
	data, err := json.Marshal(c)
	if err != nil {
		return false, err
	}
	env := map[string]any{}
	if err := json.Unmarshal(data, &env); err != nil {
		return false, err
	}
	// Argo's argoexpr.EvalBool.
	program, err := expr.Compile(req.Rule, expr.Env(env))
	if err != nil {
		return false, err
	}
	result, err := expr.Run(program, env)
	if err != nil {
		return false, fmt.Errorf("unable to evaluate expression '%s': %w", req.Rule, err)
	}
	allow, ok := result.(bool)
	if !ok {
		return false, fmt.Errorf("unable to cast expression result '%v' to bool", result)
	}
	return allow, nil
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	out := json.NewEncoder(os.Stdout)
	for in.Scan() {
		var req request
		var a answer
		if err := json.Unmarshal(in.Bytes(), &req); err != nil {
			a.Error = err.Error()
		} else if allow, err := evaluate(req); err != nil {
			a.Error = err.Error()
		} else {
			a.Allow = &allow
		}
		if err := out.Encode(a); err != nil {
			os.Exit(1)
		}
	}
}
