// The standalone silo host is built in the hosting issue; until then it only says what it is.
Console.Error.WriteLine("lenssweep-silo: the standalone silo host is not part of this build yet; use 'lenssweep run' (embedded).");
return 2;
