import Foundation
import NIOCore
import SwitchboardClient

/// `handshake`: complete connects per second (socket, upgrade, challenge, `connect`,
/// `hello-ok`, close), with a shared token and with a device signature; against the bare
/// NIO echo doing socket + upgrade + one echo + close.
struct HandshakeScenario {
    let context: BenchContext
    /// Connects in progress at once.
    static let concurrency = 16

    func run() async throws {
        print("scenario handshake")
        let seconds = max(2, context.options.secondsPerCell * 1.5)
        var echoRate: Double?
        if !context.options.skipBaselines {
            let echo = try await BenchTarget.echo.start(context.options, label: "handshake")
            echoRate = try await rate(server: echo, credentials: nil, seconds: seconds)
            await echo.stop()
        }
        let gateway = try await BenchTarget.gateway.start(context.options, label: "handshake")
        do {
            let token = try await rate(server: gateway, credentials: BenchCredentials(token: BenchGateway.token), seconds: seconds)
            var signed = BenchCredentials(token: BenchGateway.token)
            signed.device = DeviceIdentity()
            // The first signed connect pairs the device (silently, on loopback); later ones are the steady state.
            _ = try await rate(server: gateway, credentials: signed, seconds: 0.2)
            let device = try await rate(server: gateway, credentials: signed, seconds: seconds)
            context.report.add("handshake", "shared token", "connects/s", "/s", token, baseline: echoRate.map { ("a: upgrade + echo", $0) })
            context.report.add("handshake", "token + device signature", "connects/s", "/s", device, baseline: ("shared token", token))
        } catch {
            await gateway.stop()
            throw error
        }
        await gateway.stop()
    }

    /// Connects per second over `seconds`, `concurrency` at a time.
    private func rate(server: ServerProcess, credentials: BenchCredentials?, seconds: Double) async throws -> Double {
        let client = LoadClient(port: server.port, threads: context.options.clientThreads)
        let start = BenchClock.nowNs()
        let stop = start + UInt64(seconds * 1e9)
        let completed = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<Self.concurrency {
                group.addTask {
                    var count = 0
                    while BenchClock.nowNs() < stop {
                        let connection: LoadConnection
                        if let credentials {
                            connection = try await client.connectGateway(credentials)
                        } else {
                            let (opened, greeting) = try await client.connect()
                            opened.eventLoop.execute { opened.send(ByteBuffer(string: "{\"type\":\"req\",\"id\":\"1\",\"method\":\"health\"}")) }
                            _ = try await greeting.next().get()
                            connection = opened
                        }
                        _ = try? await connection.close().get()
                        count += 1
                    }
                    return count
                }
            }
            return try await group.reduce(0, +)
        }
        let elapsed = BenchClock.seconds(since: start)
        await client.shutdown()
        let rate = Double(completed) / elapsed
        print(String(format: "    %@ %@: %.0f connects/s", server.name, credentials == nil ? "upgrade+echo" : (credentials?.device == nil ? "token" : "device"), rate))
        return rate
    }
}
