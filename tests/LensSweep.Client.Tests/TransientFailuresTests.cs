using System.Net.Sockets;
using LensSweep.Client.Engine;

namespace LensSweep.Client.Tests;

public sealed class TransientFailuresTests
{
    [Theory]
    [MemberData(nameof(Transient))]
    public void Lost_connections_and_timeouts_are_transient(Exception failure) =>
        Assert.True(TransientFailures.IsTransient(failure));

    public static TheoryData<Exception> Transient() =>
    [
        new SiloUnavailableException("gateway gone"),
        new OrleansException("could not connect to any gateway"),
        new TimeoutException("response did not arrive in time"),
        new SocketException((int)SocketError.ConnectionRefused),
        new AggregateException(new TimeoutException()),
    ];

    [Fact]
    public void A_grain_refusing_a_request_is_not_transient() =>
        Assert.False(TransientFailures.IsTransient(new InvalidOperationException("no such study")));

    [Fact]
    public void Failures_are_worth_waiting_for_until_the_window_has_passed_since_the_first()
    {
        var time = new ManualTime();
        var failures = new TransientFailures(TimeSpan.FromMinutes(3), time);

        Assert.True(failures.StillWorthWaiting());
        time.Advance(TimeSpan.FromMinutes(2));
        Assert.True(failures.StillWorthWaiting());
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.False(failures.StillWorthWaiting());
    }

    [Fact]
    public void A_success_starts_the_window_again()
    {
        var time = new ManualTime();
        var failures = new TransientFailures(TimeSpan.FromMinutes(3), time);

        failures.StillWorthWaiting();
        time.Advance(TimeSpan.FromMinutes(2.5));
        failures.Recovered();
        time.Advance(TimeSpan.FromMinutes(1));

        Assert.True(failures.StillWorthWaiting());
    }

    private sealed class ManualTime : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
