import type { ErrorStrings } from './en.ts';

export const es: ErrorStrings = {
  auth: 'Tu sesión ha terminado. Vuelve a iniciar sesión.',
  loginFailed: 'No se pudo iniciar sesión: contraseña incorrecta o cuenta desconocida.',
  wrongRecoveryKey: 'Esa clave de recuperación no pertenece a esta cuenta.',
  wrongCurrentPassword: 'Tu contraseña actual es incorrecta.',
  forbidden: 'No tienes permiso para hacer eso.',
  notFound: 'Ya no está: puede que se haya movido, eliminado o retirado.',
  pathMissing: '{path} no existe.',
  notContact: '{email} no está entre tus contactos.',
  noAccount: 'Ninguna cuenta usa {email}.',
  linkRevoked: 'El propietario revocó este enlace.',
  linkLimitReached: 'Se alcanzó su límite de descargas.',
  linkPreviewsUsedUp: 'Se agotaron sus vistas previas gratuitas; descarga el archivo para verlo.',
  linkGone: 'Lo que enlaza fue eliminado por su propietario.',
  requestClosed: 'cerrada por su propietario.',
  requestFull: 'ya recibió todo lo que admite.',
  requestFolderGone: 'su carpeta fue eliminada por su propietario.',
  rateLimited: 'Demasiados intentos. Espera un minuto y vuelve a intentarlo.',
  integrity:
    'Coffer rechazó datos que no son válidos: pueden haber sido alterados o dañados. Inténtalo más tarde.',
  decryption: 'No se pudo descifrar: la clave es incorrecta o los datos cambiaron.',
  connection: 'No se puede contactar con el servidor. Revisa tu conexión y vuelve a intentarlo.',
  expired: 'Esto ha caducado. Recarga la página y vuelve a intentarlo.',
  internal: 'Algo salió mal. Recarga la página y vuelve a intentarlo.',
};
