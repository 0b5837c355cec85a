package main

import "formportal/preview"

func init() { subcommands["preview"] = preview.Command }
