// Command xds-who is a proxyless gRPC client for Gantry's tests: it resolves xds:///<host>
// through the xDS server its bootstrap names (GRPC_XDS_BOOTSTRAP, with the xDS port's mutual TLS
// as gRFC A65 "tls" channel credentials) and calls gantry.test.Backend/Who until a backend
// answers, printing the answer.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	_ "google.golang.org/grpc/xds" // the xds:/// resolver and balancers
)

// utf8Codec sends and reads UTF-8 strings as they are: the test backend's marshalling.
type utf8Codec struct{}

func (utf8Codec) Marshal(v any) ([]byte, error)      { return []byte(*(v.(*string))), nil }
func (utf8Codec) Unmarshal(data []byte, v any) error { *(v.(*string)) = string(data); return nil }
func (utf8Codec) Name() string                       { return "utf8" }

func main() {
	target := flag.String("target", "", "xds:///<host>")
	timeout := flag.Duration("timeout", 30*time.Second, "how long to try")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	conn, err := grpc.NewClient(*target,
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.ForceCodec(utf8Codec{})))
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(2)
	}
	defer conn.Close()
	var last error
	for ctx.Err() == nil {
		in, out := "who", ""
		call, stop := context.WithTimeout(ctx, 5*time.Second)
		last = conn.Invoke(call, "/gantry.test.Backend/Who", &in, &out)
		stop()
		if last == nil {
			fmt.Println(out)
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	fmt.Fprintln(os.Stderr, "error:", last)
	os.Exit(1)
}
