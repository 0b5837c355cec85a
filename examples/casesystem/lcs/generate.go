// Package lcs is a client of the portal's back-office API, generated from api/openapi.json by
// oapi-codegen (pinned); CI checks it matches the document.
package lcs

//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen@v2.8.2 -generate types,client -package lcs -o client.gen.go ../../../api/openapi.json
