// libsrtp3 API shim over Debian's libsrtp2 (used by build.sh; the worker does
// `#include <srtp.h>` and this file is found first on its include path).
//
// mediasoup >= 3.15 targets libsrtp3, which differs from libsrtp2 in the calls
// the worker uses:
//   - protect/unprotect take separate const input and output buffers with
//     size_t lengths; *out_len is the output capacity on input. libsrtp2 works
//     in place on an int length and assumes room for the trailer.
//   - srtp_remove_stream() was renamed srtp_stream_remove().
//   - two new error codes (buffer_small, cryptex_err).
// Everything else the worker touches (policies, srtp_create, events, ...) has
// the same shape in both. Only C++ is supported (the worker is C++): the
// six/five-argument calls are C++ overloads of libsrtp2's C functions.

#ifndef PORCHLIGHT_SRTP3_SHIM_H
#define PORCHLIGHT_SRTP3_SHIM_H

#include <srtp2/srtp.h>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstring>

// Same values as upstream libsrtp3 (libsrtp2 stops at pkt_idx_adv = 27). The
// worker only uses them as map keys / return codes, so distinct values suffice.
constexpr srtp_err_status_t srtp_err_status_buffer_small = static_cast<srtp_err_status_t>(28);
constexpr srtp_err_status_t srtp_err_status_cryptex_err  = static_cast<srtp_err_status_t>(29);

namespace srtp3_shim
{
	// libsrtp2 may append up to SRTP_MAX_TRAILER_LEN bytes (tag + MKI) after
	// the packet, plus the 4-byte E/index word for SRTCP. Being conservative
	// here only matters for packets within ~150 bytes of the output capacity.
	constexpr size_t SrtcpIndexLen{ 4 };

	inline srtp_err_status_t Protect(
	  bool rtcp,
	  srtp_t ctx,
	  const uint8_t* in,
	  size_t inLen,
	  uint8_t* out,
	  size_t* outLen,
	  size_t mkiIndex)
	{
		const size_t headroom = SRTP_MAX_TRAILER_LEN + (rtcp ? SrtcpIndexLen : 0);

		if (!in || !out || !outLen || inLen > static_cast<size_t>(INT_MAX) - headroom)
			return srtp_err_status_bad_param;
		if (*outLen < inLen + headroom)
			return srtp_err_status_buffer_small;

		// libsrtp2 is in-place: move the cleartext into the output buffer first
		// (memmove: caller may pass the same or an overlapping buffer).
		if (out != in)
			std::memmove(out, in, inLen);

		int len = static_cast<int>(inLen);
		// use_mki = 0: the worker never configures MKIs, and libsrtp3 likewise
		// ignores mki_index for streams without MKI.
		const srtp_err_status_t err =
		  rtcp ? srtp_protect_rtcp_mki(ctx, out, &len, 0, static_cast<unsigned int>(mkiIndex))
		       : srtp_protect_mki(ctx, out, &len, 0, static_cast<unsigned int>(mkiIndex));

		if (err == srtp_err_status_ok)
			*outLen = static_cast<size_t>(len);

		return err;
	}

	inline srtp_err_status_t Unprotect(
	  bool rtcp, srtp_t ctx, const uint8_t* in, size_t inLen, uint8_t* out, size_t* outLen)
	{
		if (!in || !out || !outLen || inLen > static_cast<size_t>(INT_MAX))
			return srtp_err_status_bad_param;
		// Output is never longer than input, but libsrtp2 needs the whole
		// protected packet in the output buffer to work in place.
		if (*outLen < inLen)
			return srtp_err_status_buffer_small;

		if (out != in)
			std::memmove(out, in, inLen);

		int len = static_cast<int>(inLen);
		const srtp_err_status_t err =
		  rtcp ? srtp_unprotect_rtcp(ctx, out, &len) : srtp_unprotect(ctx, out, &len);

		if (err == srtp_err_status_ok)
			*outLen = static_cast<size_t>(len);

		return err;
	}
} // namespace srtp3_shim

// libsrtp3 signatures. Overloads (not macros) so a call with the wrong shape
// fails to compile instead of silently hitting the libsrtp2 function.
inline srtp_err_status_t srtp_protect(
  srtp_t ctx, const uint8_t* rtp, size_t rtpLen, uint8_t* srtp, size_t* srtpLen, size_t mkiIndex)
{
	return srtp3_shim::Protect(false, ctx, rtp, rtpLen, srtp, srtpLen, mkiIndex);
}

inline srtp_err_status_t srtp_protect_rtcp(
  srtp_t ctx, const uint8_t* rtcp, size_t rtcpLen, uint8_t* srtcp, size_t* srtcpLen, size_t mkiIndex)
{
	return srtp3_shim::Protect(true, ctx, rtcp, rtcpLen, srtcp, srtcpLen, mkiIndex);
}

inline srtp_err_status_t srtp_unprotect(
  srtp_t ctx, const uint8_t* srtp, size_t srtpLen, uint8_t* rtp, size_t* rtpLen)
{
	return srtp3_shim::Unprotect(false, ctx, srtp, srtpLen, rtp, rtpLen);
}

inline srtp_err_status_t srtp_unprotect_rtcp(
  srtp_t ctx, const uint8_t* srtcp, size_t srtcpLen, uint8_t* rtcp, size_t* rtcpLen)
{
	return srtp3_shim::Unprotect(true, ctx, srtcp, srtcpLen, rtcp, rtcpLen);
}

// The worker passes htonl(ssrc), i.e. network byte order, which is what
// libsrtp2's srtp_remove_stream() expects, so pass it through unchanged.
// (Upstream libsrtp 3.0 switched this argument to host order; the worker's
// call still follows the libsrtp2 convention, so don't "fix" it here.)
inline srtp_err_status_t srtp_stream_remove(srtp_t session, uint32_t ssrc)
{
	return srtp_remove_stream(session, ssrc);
}

#endif
