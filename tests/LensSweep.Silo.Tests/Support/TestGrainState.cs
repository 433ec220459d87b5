using System.Diagnostics.CodeAnalysis;

namespace LensSweep.Silo.Tests.Support;

/// <summary>What a grain's IPersistentState holds: the state, its ETag and whether a record exists.</summary>
public sealed class TestGrainState<T>(T? state = default) : IGrainState<T> where T : new()
{
    private T _state = state ?? new T();

    [AllowNull]
    public T State
    {
        get => _state;
        set => _state = value ?? new T();
    }

    public string? ETag { get; set; }

    public bool RecordExists { get; set; }
}
