import Crypto
import Foundation
import SwitchboardProtocol

/// Compares secrets without leaking where they differ or how long they are: both sides are
/// hashed first, then the digests are compared with a constant-time loop.
enum SecretComparison {
    static func equal(_ provided: String, _ expected: String) -> Bool {
        let lhs = Array(SHA256.hash(data: Data(provided.utf8)))
        let rhs = Array(SHA256.hash(data: Data(expected.utf8)))
        var difference: UInt8 = 0
        for index in 0..<lhs.count { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }

    /// A fresh random token: 32 bytes, base64url (printable ASCII, under the 256-char bound).
    static func makeToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return "sbd_" + Base64URL.encode(bytes)
    }
}

