import Foundation
import NIOCore
import SwitchboardClient
import SwitchboardProtocol

/// The `connect` a benchmark client sends: token auth, optionally with a device signature.
struct BenchCredentials: Sendable {
    var token: String
    var device: DeviceIdentity?
    var scopes: [OperatorScope] = [.read, .write, .admin]
    /// `cli` clients are not listed in presence, so 10,000 of them do not broadcast 10,000 lists.
    var mode = "cli"

    func connectFrame(nonce: String, signedAtMs: Int, id: String = "connect") throws -> ByteBuffer {
        var params = ConnectParams(
            client: ClientInfo(id: "switchboard-bench", version: "1", platform: "linux", mode: mode),
            role: .operator, scopes: scopes, auth: ConnectAuth(token: token)
        )
        if let device {
            params.device = try device.proof(version: .v3, params: params, nonce: nonce, signedAtMs: signedAtMs)
        }
        return ByteBuffer(bytes: try GatewayJSON.encoder.encode(RequestFrame(id: id, method: "connect", params: params)))
    }
}

extension LoadClient {
    /// Opens a socket and completes the gateway handshake (challenge, connect, `hello-ok`).
    func connectGateway(_ credentials: BenchCredentials) async throws -> LoadConnection {
        let (connection, greeting) = try await connect()
        do {
            let challenge = try await greeting.next().get()
            let payload = try GatewayJSON.decoder.decode(EventFrame<ConnectChallengeEvent.Payload>.self, from: Data(challenge.readableBytesView)).payload
            guard let nonce = payload?.nonce else { throw LoadClientError.unexpected("first frame was not connect.challenge") }
            let frame = try credentials.connectFrame(nonce: nonce, signedAtMs: payload?.ts ?? 0)
            connection.eventLoop.execute { connection.send(frame) }
            while true {
                let reply = try await greeting.next().get()
                let text = String(buffer: reply)
                if text.hasPrefix("{\"type\":\"event\"") { continue }
                guard text.contains("\"ok\":true") else { throw LoadClientError.handshakeFailed(String(text.prefix(300))) }
                break
            }
            try await connection.eventLoop.submit { connection.setReceiver(nil) }.get()
            return connection
        } catch {
            _ = try? await connection.close().get()
            throw error
        }
    }
}
