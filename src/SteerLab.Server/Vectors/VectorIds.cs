using System.Security.Cryptography;
using System.Text;

namespace SteerLab.Server.Vectors;

/// <summary>The library's id for a vector document. The engine writes GUIDs as document ids, which are kept; any other
/// id ("my-vector") maps to a GUID derived from it, so importing the same document twice finds the first copy
/// instead of storing a second.</summary>
static class VectorIds
{
    public static bool TryUseAsIs(string documentId, out Guid id) => Guid.TryParse(documentId, out id) && id != Guid.Empty;

    /// <summary>A name-based GUID (RFC 9562 version 8: SHA-256 of the id, version and variant bits set).</summary>
    public static Guid DerivedFrom(string documentId)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes("steerlab.vector/1 id:" + documentId), hash);
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80); // version 8
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC variant
        return new Guid(bytes, bigEndian: true);
    }
}
