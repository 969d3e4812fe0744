#!/usr/bin/python3
"""A WHIP publisher on GStreamer's webrtcbin (libnice + GStreamer's own DTLS/SRTP: a different
WebRTC stack from libwebrtc). Debian's GStreamer has no whipsink, so the HTTP exchange is done
here with urllib, the media stack is GStreamer's.

Usage: whip_publish.py URL TOKEN [vp8|h264]
Prints "WHIP <status> <location>" once the answer is applied; publishes until stdin closes (or
SIGTERM), then DELETEs the session and prints "DELETED <status>".
Tests only: TLS verification is off (the test server's certificate is self-signed).
"""
import signal
import ssl
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstWebRTC", "1.0")
gi.require_version("GstSdp", "1.0")
from gi.repository import GLib, Gst, GstSdp, GstWebRTC  # noqa: E402

ENCODERS = {
    "vp8": "vp8enc deadline=1 keyframe-max-dist=30 ! rtpvp8pay pt=96 ! "
    "application/x-rtp,media=video,encoding-name=VP8,payload=96,clock-rate=90000",
    "h264": "x264enc tune=zerolatency speed-preset=ultrafast key-int-max=30 ! "
    "video/x-h264,profile=constrained-baseline ! rtph264pay pt=102 config-interval=-1 ! "
    "application/x-rtp,media=video,encoding-name=H264,payload=102,clock-rate=90000",
}


def main() -> int:
    url, token = sys.argv[1], sys.argv[2]
    codec = sys.argv[3] if len(sys.argv) > 3 else "vp8"
    Gst.init(None)
    pipeline = Gst.parse_launch(
        "webrtcbin name=w bundle-policy=max-bundle "
        "videotestsrc is-live=true pattern=red ! "
        "video/x-raw,width=320,height=240,framerate=15/1 ! videoconvert ! "
        f"{ENCODERS[codec]} ! w."
    )
    webrtc = pipeline.get_by_name("w")
    loop = GLib.MainLoop()
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    state = {"location": None}

    def http(method, target, body=None, content_type=None):
        headers = {"Authorization": f"Bearer {token}"}
        if content_type:
            headers["Content-Type"] = content_type
        req = urllib.request.Request(target, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, context=ctx, timeout=10) as res:
                return res.status, res.headers, res.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read().decode()

    def fail(message):
        print(f"ERROR {message}", flush=True)
        loop.quit()

    def send_offer():
        # Non-trickle: the offer goes out with every candidate once gathering is complete.
        offer = webrtc.get_property("local-description").sdp.as_text()
        status, headers, body = http("POST", url, offer.encode(), "application/sdp")
        if status != 201:
            fail(f"{status} {body}")
            return False
        state["location"] = urllib.parse.urljoin(url, headers.get("Location", ""))
        _, sdp = GstSdp.SDPMessage.new_from_text(body)
        answer = GstWebRTC.WebRTCSessionDescription.new(GstWebRTC.WebRTCSDPType.ANSWER, sdp)
        webrtc.emit("set-remote-description", answer, Gst.Promise.new())
        print(f"WHIP {status} {state['location']}", flush=True)
        return False

    def on_gathering(element, _pspec):
        if element.get_property("ice-gathering-state") == GstWebRTC.WebRTCICEGatheringState.COMPLETE:
            GLib.idle_add(send_offer)

    def on_offer(promise, _data):
        reply = promise.get_reply()
        offer = reply.get_value("offer") if reply else None
        if offer is None:
            fail(f"create-offer failed: {reply.to_string() if reply else 'no reply'}")
            return
        webrtc.emit("set-local-description", offer, Gst.Promise.new())

    def on_negotiation_needed(element):
        element.emit("create-offer", None, Gst.Promise.new_with_change_func(on_offer, None))

    webrtc.connect("on-negotiation-needed", on_negotiation_needed)
    webrtc.connect("notify::ice-gathering-state", on_gathering)
    # The video transceiver only sends.
    pipeline.set_state(Gst.State.PLAYING)
    for i in range(webrtc.emit("get-transceivers").len):
        webrtc.emit("get-transceiver", i).set_property(
            "direction", GstWebRTC.WebRTCRTPTransceiverDirection.SENDONLY
        )

    def stop(*_):
        GLib.idle_add(loop.quit)

    signal.signal(signal.SIGTERM, stop)
    threading.Thread(target=lambda: (sys.stdin.read(), stop()), daemon=True).start()
    loop.run()
    if state["location"]:
        status, _, _ = http("DELETE", state["location"])
        print(f"DELETED {status}", flush=True)
    pipeline.set_state(Gst.State.NULL)
    return 0


if __name__ == "__main__":
    sys.exit(main())
