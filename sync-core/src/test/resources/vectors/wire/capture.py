# Captures length-prefixed DNS/TCP exchanges with a local named (see HOW.txt).
import socket, struct, sys
def name(s):
    out = b""
    for l in s.strip(".").split("."):
        out += bytes([len(l)]) + l.encode()
    return out + b"\0"
def query(qid, qname, qtype):
    return struct.pack(">HHHHHH", qid, 0, 1, 0, 0, 0) + name(qname) + struct.pack(">HH", qtype, 1)
def exchange(q, out_req, out_resp):
    s = socket.create_connection(("127.0.0.1", 15399))
    s.sendall(struct.pack(">H", len(q)) + q)
    s.settimeout(1.0)
    data = b""
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk: break
            data += chunk
    except socket.timeout:
        pass
    s.close()
    open(out_req, "wb").write(q)
    open(out_resp, "wb").write(data)
    n, p = 0, 0
    while p < len(data):
        (l,) = struct.unpack(">H", data[p:p+2]); p += 2 + l; n += 1
    print(out_resp, len(data), "bytes", n, "messages")
exchange(query(0x5a17, "Example.COM.", 252), "bind-axfr-request.bin", "bind-axfr-response.tcp")
exchange(query(0x0b0e, "example.com.", 6), "bind-soa-request.bin", "bind-soa-response.tcp")
